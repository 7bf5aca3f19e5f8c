#include "app/cli/dtype_option.h"

namespace backdrop::cli {

void add_dtype_option(CLI::App& command, std::string& dtype) {
  command
      .add_option("--dtype", dtype,
                  "diffusion: compute in fp32, bf16, or auto (bf16 on a CPU with AVX512-BF16 or AMX, else fp32)")
      ->check(CLI::IsMember({"fp32", "bf16", "auto"}))
      ->capture_default_str();
}

}  // namespace backdrop::cli
