#pragma once
// Brings a PostgreSQL job's committed results into a project file as variants, so review happens
// in the project whichever machines rendered. Idempotent: variants already there are kept as
// they are, reviews included.

#include <cstdint>

namespace backdrop {

class Project;
class PostgresJobQueue;

// Returns how many results the project did not have yet.
int64_t collect_results(PostgresJobQueue& queue, Project& project);

}  // namespace backdrop
