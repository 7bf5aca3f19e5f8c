#pragma once
// A variant's planned inputs in words, one "label: value" line each, in the order a reviewer reads
// them (what was asked for, where it goes, how it was sampled, what it was made with): the Studio's
// thumbnail tooltips and any listing of a variant's provenance show the same lines.

#include <string>
#include <utility>
#include <vector>

#include "core/generation/variant_inputs.h"

namespace backdrop {

using DescriptionLine = std::pair<std::string, std::string>;  // label, value

std::vector<DescriptionLine> describe_variant_inputs(const VariantInputs& inputs);

// "1080x1080" style canvas size of the variant's placement.
std::string placement_size(const VariantInputs& inputs);

}  // namespace backdrop
