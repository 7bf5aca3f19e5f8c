#pragma once
// Brings a PostgreSQL job's committed results into a project file as variants, so review happens
// in the project whichever machines rendered. Idempotent: variants already there are kept as
// they are, reviews included.

#include <cstdint>
#include <functional>

namespace backdrop {

class Project;
class PostgresJobQueue;
struct StoredVariant;

// Returns how many results the project did not have yet; `on_added` sees each of them once they
// are committed.
int64_t collect_results(PostgresJobQueue& queue, Project& project,
                        const std::function<void(const StoredVariant&)>& on_added = {});

}  // namespace backdrop
