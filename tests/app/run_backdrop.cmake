# run_backdrop() for the CMake process tests of one `backdrop` subcommand: set BACKDROP (the
# executable) and BACKDROP_SUBCOMMAND (e.g. push) before calling it.
#
# Runs `backdrop <subcommand>` with the arguments; fails the test unless the exit code is
# `expected_code` and the output matches every regular expression after EXPECT. The standard
# output is left in `output` for the caller.
function(run_backdrop expected_code)
  cmake_parse_arguments(ARG "" "" "ARGS;EXPECT" ${ARGN})
  set(command "backdrop ${BACKDROP_SUBCOMMAND} ${ARG_ARGS}")
  execute_process(COMMAND "${BACKDROP}" ${BACKDROP_SUBCOMMAND} ${ARG_ARGS} RESULT_VARIABLE code OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT code EQUAL expected_code)
    message(FATAL_ERROR "${command}: exit code ${code}, expected ${expected_code}\n${out}${err}")
  endif()
  foreach(pattern IN LISTS ARG_EXPECT)
    if(NOT "${out}${err}" MATCHES "${pattern}")
      message(FATAL_ERROR "${command}: output does not match '${pattern}':\n${out}${err}")
    endif()
  endforeach()
  set(output "${out}" PARENT_SCOPE)
endfunction()
