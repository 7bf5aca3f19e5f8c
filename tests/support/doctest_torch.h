#pragma once
// doctest for tests that use libtorch. Debian's libtorch includes glog, whose CHECK macros collide
// with doctest's: include libtorch first, drop glog's names, then include doctest.

#include <torch/torch.h>

#undef CHECK
#undef CHECK_EQ
#undef CHECK_NE
#undef CHECK_LE
#undef CHECK_LT
#undef CHECK_GE
#undef CHECK_GT

// c10::toString(ScalarType) returns const char* and is found by ADL from doctest's stringifier:
// compare scalar types inside extra parentheses, CHECK((a.scalar_type() == b)).
#include <doctest/doctest.h>
