#include "support/doctest_torch.h"
