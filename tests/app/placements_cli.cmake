# `backdrop project placements list|add|remove` on a fresh project: the seven seeded ad
# placements (the category's layout rule places the product: "rule"), an added one with its own
# product position and a replaced one, and the errors naming the bad value.
#   cmake -DBACKDROP=<exe> -DWORK=<dir> -P placements_cli.cmake

include("${CMAKE_CURRENT_LIST_DIR}/scratch_folder.cmake")
make_scratch_folder(WORK "${WORK}")
set(project "${WORK}/shop.backdrop")

set(BACKDROP_SUBCOMMAND project)
include("${CMAKE_CURRENT_LIST_DIR}/run_backdrop.cmake")

run_backdrop(0 ARGS create "${project}")
run_backdrop(0 ARGS placements list "${project}"
  EXPECT "^square 1080x1080 x=rule y=rule scale=rule\nlandscape 1200x628 " "\nportrait 1080x1350 " "\nstory 1080x1920 "
         "\nmedium-rectangle 300x250 " "\nleaderboard 728x90 " "\nskyscraper 160x600 x=rule y=rule scale=rule\n$")

run_backdrop(0 ARGS placements add "${project}" banner 970x250 --x 0.3 --scale 0.8
  EXPECT "^banner 970x250 x=0.3 y=rule scale=0.8\n$")
run_backdrop(0 ARGS placements add "${project}" banner 970x300 EXPECT "^banner 970x300 x=rule y=rule scale=rule\n$")
run_backdrop(0 ARGS placements remove "${project}" story EXPECT "^removed story\n$")
run_backdrop(0 ARGS placements list "${project}")
string(REGEX MATCHALL "[^\n]+\n" lines "${output}")
list(LENGTH lines count)
if(NOT count EQUAL 7 OR output MATCHES "story" OR NOT output MATCHES "\nbanner 970x300 ")
  message(FATAL_ERROR "after adding banner and removing story, expected 7 placements:\n${output}")
endif()

run_backdrop(1 ARGS placements remove "${project}" story EXPECT "placement 'story': no such placement")
run_backdrop(1 ARGS placements add "${project}" tiny 8x8 EXPECT "placement '8x8': canvases must be at least 16x16")
run_backdrop(1 ARGS placements add "${project}" odd 12by5 EXPECT "placement '12by5'")
run_backdrop(1 ARGS placements add "${project}" left 300x300 --x 1.5 EXPECT "placement 'left': x 1.5.* outside 0..1")
run_backdrop(1 ARGS placements add "${project}" big 300x300 --scale 0 EXPECT "placement 'big': scale 0.* outside")
file(REMOVE_RECURSE "${WORK}")
