# backdrop_add_test(NAME <area_name> SOURCES ... LIBRARIES ... LABELS unit|parity|gui|slow ...
#                   [FRAMEWORK doctest|qttest] [TIMEOUT seconds] [XVFB])
#
# Test names start with their area (models_, core_imaging_, core_bandit_, ui_ ...). Every test
# runs from the repository root so that the `../shared` defaults of the data folders hold, and
# parity tests read their folders from environment variables (BACKDROP_FIXTURES ...). GUI tests
# run offscreen, except XVFB ones: those run in a real X window system (xvfb-run), where window
# activation, focus and shortcuts behave as on a desktop.
function(backdrop_add_test)
  cmake_parse_arguments(ARG "XVFB" "NAME;FRAMEWORK;TIMEOUT" "SOURCES;LIBRARIES;LABELS" ${ARGN})
  if(NOT ARG_NAME MATCHES "^(models|core|ui|app)_")
    message(FATAL_ERROR "test ${ARG_NAME}: names start with their area (models_, core_, ui_, app_)")
  endif()
  if(NOT ARG_LABELS)
    message(FATAL_ERROR "test ${ARG_NAME}: give at least one label (unit, parity, gui, slow)")
  endif()
  if(NOT ARG_FRAMEWORK)
    set(ARG_FRAMEWORK qttest)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()

  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_LIBRARIES} backdrop_test_support backdrop_warnings)
  if(ARG_FRAMEWORK STREQUAL "doctest")
    target_link_libraries(${ARG_NAME} PRIVATE backdrop_doctest_main)
  elseif(ARG_FRAMEWORK STREQUAL "qttest")
    set_target_properties(${ARG_NAME} PROPERTIES AUTOMOC ON)
    target_link_libraries(${ARG_NAME} PRIVATE Qt6::Test)
  else()
    message(FATAL_ERROR "test ${ARG_NAME}: unknown FRAMEWORK ${ARG_FRAMEWORK}")
  endif()

  if(ARG_XVFB)
    find_program(XVFB_RUN xvfb-run REQUIRED)
    add_test(NAME ${ARG_NAME} COMMAND ${XVFB_RUN} --auto-servernum --server-args=-screen\ 0\ 1600x1000x24
                                      $<TARGET_FILE:${ARG_NAME}> WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  else()
    add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME} WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  endif()
  set_tests_properties(${ARG_NAME} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
  backdrop_use_test_user_cache(${ARG_NAME})
  if(ARG_XVFB)
    set_property(TEST ${ARG_NAME} APPEND PROPERTY ENVIRONMENT "QT_QPA_PLATFORM=xcb")
  elseif("gui" IN_LIST ARG_LABELS)
    set_property(TEST ${ARG_NAME} APPEND PROPERTY ENVIRONMENT "QT_QPA_PLATFORM=offscreen")
  endif()
endfunction()

# backdrop_use_test_user_cache(<test>...)
#
# Points the tests' user cache folder (core/common/user_cache_dir.h: content hashes of weight files)
# at one folder in the build tree instead of the user's ~/.cache/backdrop, so that tests never write
# into the home folder. The tests' processes share it as a user's processes share theirs. Every
# backdrop_add_test() test gets it; a folder with plain add_test() calls ends with
#   get_property(tests DIRECTORY PROPERTY TESTS)
#   backdrop_use_test_user_cache(${tests})
function(backdrop_use_test_user_cache)
  foreach(test IN LISTS ARGN)
    get_test_property(${test} ENVIRONMENT environment)
    if(NOT environment MATCHES "BACKDROP_CACHE_DIR=")
      set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT "BACKDROP_CACHE_DIR=${PROJECT_BINARY_DIR}/test-user-cache")
    endif()
  endforeach()
endfunction()
