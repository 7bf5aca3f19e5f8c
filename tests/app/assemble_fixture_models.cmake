# cmake -DFIXTURES=<dir> -DWORK=<dir> -P assemble_fixture_models.cmake: the fixture models in
# diffusers layout under WORK (model/, controlnet/), for the shell-driven process tests.
include("${CMAKE_CURRENT_LIST_DIR}/fixture_models.cmake")
assemble_fixture_models("${FIXTURES}" "${WORK}")
