#include "core/engine/engine_info.h"

#include "core/common/version.h"
#include "models/runtime/runtime.h"

namespace backdrop {

EngineInfo engine_info() {
  return {kEngineVersion, models::torch_version(), models::device_description(models::parse_device("auto")),
          models::thread_count()};
}

int configure_engine_threads(int requested) {
  models::set_thread_count(requested > 0 ? requested : models::default_thread_count());
  return models::thread_count();
}

}  // namespace backdrop
