# Runs `backdrop experiment simulate` and `backdrop experiment report` as a user does: a simulated
# log folder with known CTRs (3% control, 3.6% treatment: uplift +20%), the report in JSON (the
# contract's fields, the true uplift inside its interval), CSV by placement, the text table, a bad
# line reported with its file and line, and clear errors.
#   cmake -DBACKDROP=<exe> -DWORK=<dir> -P experiment_cli.cmake

include("${CMAKE_CURRENT_LIST_DIR}/scratch_folder.cmake")
make_scratch_folder(WORK "${WORK}")
set(logs "${WORK}/logs")

set(BACKDROP_SUBCOMMAND experiment)
include("${CMAKE_CURRENT_LIST_DIR}/run_backdrop.cmake")

function(expect_json json expected)
  string(JSON value GET "${output}" ${json})
  if(expected STREQUAL "null")
    string(JSON value TYPE "${output}" ${json})
    set(expected NULL)
  endif()
  if(NOT value STREQUAL "${expected}")
    message(FATAL_ERROR "${json} is '${value}', expected '${expected}':\n${output}")
  endif()
endfunction()

run_backdrop(0 ARGS simulate --out "${logs}" --experiment phase3 --category apparel --placements square,wide
  --group control:original:0.5:0.03 --group treatment:personalised:0.5:0.036 --users 6000
  --impressions-per-user 6 --seed 11
  EXPECT "wrote [0-9]+ impressions of 6000 users")

run_backdrop(0 ARGS report --logs "${logs}" --json
  EXPECT "experiment impressions in 1 file ")
string(JSON window GET "${output}" attribution_window_hours)
string(JSON confidence GET "${output}" confidence)
if(NOT (window EQUAL 24 AND confidence EQUAL 0.95))
  message(FATAL_ERROR "window ${window} h and confidence ${confidence}, expected 24 and 0.95")
endif()
expect_json("experiments;0;experiment" "phase3")
expect_json("experiments;0;category" "null")
expect_json("experiments;0;placement" "null")
expect_json("experiments;0;control" "control")
expect_json("experiments;0;groups;0;group" "control")
expect_json("experiments;0;groups;0;uplift" "null")
expect_json("experiments;0;groups;1;group" "treatment")
expect_json("experiments;0;groups;1;kind" "personalised")
expect_json("experiments;0;groups;1;planned_share" "0.5")
expect_json("experiments;0;sample_ratio;unit" "users")
expect_json("experiments;0;sample_ratio;mismatch" "OFF")
string(JSON users_control GET "${output}" experiments 0 groups 0 users)
string(JSON users_treatment GET "${output}" experiments 0 groups 1 users)
math(EXPR users "${users_control} + ${users_treatment}")
if(NOT users EQUAL 6000)
  message(FATAL_ERROR "the groups hold ${users} users, expected 6000")
endif()
# The true uplift, 0.2, lies inside the delta-method and bootstrap intervals (if() compares
# numbers as doubles).
foreach(interval IN ITEMS uplift_ci uplift_bootstrap_ci)
  string(JSON low GET "${output}" experiments 0 groups 1 ${interval} 0)
  string(JSON high GET "${output}" experiments 0 groups 1 ${interval} 1)
  if(NOT (low LESS 0.2 AND high GREATER 0.2))
    message(FATAL_ERROR "${interval} [${low}, ${high}] misses the true uplift 0.2")
  endif()
endforeach()
string(JSON p GET "${output}" experiments 0 groups 1 p_value)
if(NOT p LESS 0.05)
  message(FATAL_ERROR "p-value ${p}: a 20% uplift on 36,000 impressions should be significant")
endif()

run_backdrop(0 ARGS report --logs "${logs}" --by placement --csv --attribution-window 48)
string(REGEX MATCHALL "\n" rows "${output}")
list(LENGTH rows row_count)
if(NOT row_count EQUAL 5)
  message(FATAL_ERROR "CSV by placement: ${row_count} lines, expected a header and 4 rows:\n${output}")
endif()
if(NOT output MATCHES "\nphase3,,square,control,treatment,personalised,0.5,[0-9]+,")
  message(FATAL_ERROR "CSV by placement lacks the square treatment row:\n${output}")
endif()

run_backdrop(0 ARGS report --logs "${logs}" --control treatment
  EXPECT "experiment phase3  control treatment" "\n  treatment +personalised +0\\.500 +[0-9]+ +[0-9]+ +[0-9]+ [0-9.]+ \\[[0-9.]+, [0-9.]+\\] control"
         "\n  control +original .* -[0-9.]+% \\[-[0-9.]+%, -[0-9.]+%\\]" "sample ratio \\(users\\)")

file(APPEND "${logs}/apparel.jsonl" "{not json\n")
run_backdrop(3 ARGS report --logs "${logs}" EXPECT "apparel.jsonl:[0-9]+: skipped: not a JSON object")
run_backdrop(105 ARGS report --logs "${WORK}/missing" EXPECT "Directory does not exist")
run_backdrop(108 ARGS report --logs "${logs}" --json --csv EXPECT "--json excludes --csv")
file(MAKE_DIRECTORY "${WORK}/empty")
run_backdrop(1 ARGS report --logs "${WORK}/empty" EXPECT "no impression carries an \"experiment\"")

file(REMOVE_RECURSE "${WORK}")
