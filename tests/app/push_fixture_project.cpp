// Makes the export tests' small project (tests/core/export/project_fixture.h) at the given path,
// for the `backdrop push` end-to-end test: push_fixture_project <file.backdrop>

#include <exception>
#include <iostream>

#include "core/export/project_fixture.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: push_fixture_project <file.backdrop>\n";
    return 2;
  }
  try {
    auto project = backdrop::Project::create(argv[1]);
    backdrop::test::fill_export_project(project);
  } catch (const std::exception& error) {
    std::cerr << "push_fixture_project: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
