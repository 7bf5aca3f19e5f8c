# Compiler settings shared by every Backdrop target.

if(BACKDROP_USE_CCACHE)
  find_program(CCACHE_PROGRAM ccache)
  if(CCACHE_PROGRAM)
    set(CMAKE_CXX_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
  endif()
endif()

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()

# Warnings for our own targets only; third-party headers are included as SYSTEM.
add_library(backdrop_warnings INTERFACE)
target_compile_options(backdrop_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>)

# The version of the engine; part of every cache key, recorded in every bundle.
set(BACKDROP_ENGINE_VERSION "${PROJECT_VERSION}")

# Tests and benchmarks find ../shared next to the repository unless told otherwise.
get_filename_component(BACKDROP_SHARED_DIR "${PROJECT_SOURCE_DIR}/../shared" ABSOLUTE)
