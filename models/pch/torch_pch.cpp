// Carries the precompiled <torch/torch.h> that every models library reuses.
