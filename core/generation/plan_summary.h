#pragma once
// The count breakdown of a generation plan, shown before a run starts, e.g.
// "3 products × 2 prompts × 3 placements × 2 colours = 36 variants". The factors are counted
// from the planned variants themselves, so the breakdown always agrees with what is queued; when
// categories have different numbers of prompts the prompt factor is shown as a range.

#include <string>
#include <vector>

#include "core/generation/variant_inputs.h"

namespace backdrop {

struct PlanSummary {
  size_t products = 0;
  size_t min_prompts = 0;  // prompts per product: the fewest and the most over the products
  size_t max_prompts = 0;
  size_t placements = 0;
  size_t colours = 0;  // per product, the most ("no colour" counts as one; palette colours differ by product)
  size_t seeds = 0;
  size_t variants = 0;
};

PlanSummary summarize_plan(const std::vector<VariantInputs>& plan);

// "3 products × 2 prompts × 3 placements × 2 colours = 36 variants" (the seeds factor only when
// there are several seeds; "1–2 prompts" when categories differ).
std::string describe_plan(const PlanSummary& summary);

}  // namespace backdrop
