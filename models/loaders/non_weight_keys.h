#pragma once
// Keys that checkpoints carry but that are weights of no module, and are skipped when loading.
//
// The rule, in full:
//  1. any key whose last segment is `position_ids` (the text encoder's index buffer, e.g.
//     `cond_stage_model.transformer.text_model.embeddings.position_ids`; positions are 0..n-1);
//  2. any key under `model_ema.` (the EMA shadow copy the original training kept; the weights in
//     `model.diffusion_model.` are the ones used);
//  3. a top-level key (no '.') of the original LatentDiffusion training state: `betas`,
//     `alphas_cumprod`, `alphas_cumprod_prev`, `sqrt_*`, `log_one_minus_*`, `posterior_*`,
//     `logvar`, `lvlb_weights`, `scale_factor` (the noise schedule lives in the scheduler config).
// Nothing else is ignored: an unknown key is reported, never dropped silently.

#include <string_view>

namespace backdrop::models {

bool is_non_weight_key(std::string_view key);

}  // namespace backdrop::models
