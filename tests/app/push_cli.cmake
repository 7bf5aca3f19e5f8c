# Runs `backdrop push` end to end on the export tests' small project: the dry run's plan, two
# publishes with retention, the version list, a refused and an accepted rollback.
#   cmake -DBACKDROP=<exe> -DMAKE_PROJECT=<push_fixture_project> -DWORK=<dir> -P push_cli.cmake

include("${CMAKE_CURRENT_LIST_DIR}/scratch_folder.cmake")
make_scratch_folder(WORK "${WORK}")
set(project "${WORK}/shop.backdrop")
set(target "${WORK}/target")

set(BACKDROP_SUBCOMMAND push)
include("${CMAKE_CURRENT_LIST_DIR}/run_backdrop.cmake")

execute_process(COMMAND "${MAKE_PROJECT}" "${project}" RESULT_VARIABLE code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "push_fixture_project failed")
endif()

run_backdrop(0 ARGS --project "${project}" --dry-run
  EXPECT "push plan: 3 images in 1 category" "bags: 3 images of 1 product \\(2 without approved images left out\\)"
         "    square: 2\n" "    wide: 1\n" "left out: shoes \\(no approved prompt set\\)"
         "flagged: 1" "rejected: 1" "unreviewed: 1")
if(EXISTS "${target}")
  message(FATAL_ERROR "--dry-run wrote ${target}")
endif()

# Click logs become the priors push ships: counted per approved prompt (by index, for lines
# without an arm id), stored as version 1 and named in the plan and the bundle.
run_backdrop(0 ARGS --project "${project}" --dry-run EXPECT "priors uninformed \\(no priors for 'bags'")
file(WRITE "${WORK}/bags.jsonl" [[{"event":"impression","decision":"d1","arm":0,"propensity":0.5,"features":{"user":{"device":"mobile","segment":"new"},"placement":{"placement":"square"}}}
{"event":"impression","decision":"d2","arm":1,"propensity":0.5,"features":{"user":{"device":"desktop","segment":"new"},"placement":{"placement":"wide"}}}
{"event":"click","decision":"d2"}
{"event":"impression","decision":"d3","arm":1,"propensity":0.5,"features":{"user":{"device":"tablet","segment":"returning"},"placement":{"placement":"square"}}}
]])
set(BACKDROP_SUBCOMMAND project)
run_backdrop(0 ARGS priors list "${project}" bags EXPECT "bags: no priors")
run_backdrop(1 ARGS priors update "${project}" shoes "${WORK}/bags.jsonl" EXPECT "'shoes' has no approved prompt set")
run_backdrop(0 ARGS priors update "${project}" bags "${WORK}/bags.jsonl" --reviewer ana
  EXPECT "bags: 3 impressions of 2 approved prompts" "a marble counter\n" " 2 impressions, 1 clicks \\(50.00% CTR\\)"
         "priors of bags version 1: 3 impressions, 1 clicks, [0-9-]+, by ana")
run_backdrop(0 ARGS priors list "${project}" bags EXPECT "bags version 1: 3 impressions, 1 clicks, .* \\(from 1 log files\\)")
set(BACKDROP_SUBCOMMAND push)

run_backdrop(0 ARGS --project "${project}" --target "${target}" --quality 80 --epsilon 0.2
  EXPECT "published ([0-9]+T[0-9]+Z-[0-9a-f]+)" "priors version 1: 3 impressions, 1 clicks")
string(REGEX MATCH "published ([0-9]+T[0-9]+Z-[0-9a-f]+)" _ "${output}")
set(first "${CMAKE_MATCH_1}")
file(READ "${target}/CURRENT" current)
if(NOT current STREQUAL "${first}\n")
  message(FATAL_ERROR "CURRENT holds '${current}', expected '${first}'")
endif()
file(READ "${target}/versions/${first}/categories/bags.json" category)
string(JSON priors_source GET "${category}" priors_source)
if(NOT priors_source MATCHES "^version 1: 3 impressions, 1 clicks, [0-9-]+, by ana$")
  message(FATAL_ERROR "the bundle names its priors '${priors_source}'")
endif()
string(JSON epsilon GET "${category}" policy epsilon)
if(NOT epsilon EQUAL 0.2)
  message(FATAL_ERROR "--epsilon 0.2 became ${epsilon}")
endif()

run_backdrop(0 ARGS --project "${project}" --target "${target}" --format webp --keep 1
  EXPECT "published ([0-9]+T[0-9]+Z-[0-9a-f]+)" "removed old version ${first}")
run_backdrop(0 ARGS --target "${target}" --list EXPECT "^[0-9]+T[0-9]+Z-[0-9a-f]+  \\(current\\)\n$")
run_backdrop(1 ARGS --target "${target}" --rollback "${first}" EXPECT "not kept")
run_backdrop(1 ARGS --target "${target}" --rollback "../versions" EXPECT "not a valid version name")
run_backdrop(106 ARGS --target "${target}" EXPECT "--project is required")

# An experiment plan: the dry run shows it per category; a bad plan fails naming the file and key.
file(WRITE "${WORK}/plan.json" [[{"experiments": [{"id": "exp", "salt": "s", "category": "*", "groups": [
  {"name": "random", "kind": "random-prompt", "share": 0.25}, {"name": "linucb", "kind": "personalised", "share": 0.75}]}]}]])
run_backdrop(0 ARGS --project "${project}" --dry-run --experiment "${WORK}/plan.json"
  EXPECT "    experiment exp on every category: random \\(random-prompt\\) 25% control, linucb \\(personalised\\) 75%")
file(WRITE "${WORK}/bad-plan.json" [[{"experiments": [{"id": "exp", "salt": "s", "category": "*", "groups": [
  {"name": "random", "kind": "random-prompt", "share": 0.25}, {"name": "linucb", "kind": "personalised", "share": 0.7}]}]}]])
run_backdrop(1 ARGS --project "${project}" --dry-run --experiment "${WORK}/bad-plan.json"
  EXPECT "bad-plan.json: experiments\\[0\\].groups: the shares sum to 0.95")
file(WRITE "${WORK}/shoes-plan.json" [[{"experiments": [{"id": "exp", "salt": "s", "category": "shoes", "groups": [
  {"name": "linucb", "kind": "personalised", "share": 1}]}]}]])
run_backdrop(1 ARGS --project "${project}" --dry-run --experiment "${WORK}/shoes-plan.json"
  EXPECT "experiment 'exp': category 'shoes' does not ship \\(no approved prompt set\\)")
file(REMOVE_RECURSE "${WORK}")
