# `backdrop project jobs run` and `backdrop worker` paint real variants through core's renderer:
# the studio backdrop by default (every variant with its PNG record, the seeds giving different
# backdrops), Stable Diffusion on the tiny fixture models with --renderer diffusion, and a worker
# whose steps or LoRAs differ from the planned ones fails those tasks, saying why; a LoRA's variants
# name it in their records. Pausing a job that does not exist is an error.
#   cmake -DBACKDROP=<exe> -DFIXTURES=<dir> -DPRODUCTS=<dir> -DWORK=<dir> -P jobs_renderers_cli.cmake

if(DEFINED ENV{BACKDROP_FIXTURES})
  set(FIXTURES "$ENV{BACKDROP_FIXTURES}")
endif()
if(DEFINED ENV{BACKDROP_PRODUCTS})
  set(PRODUCTS "$ENV{BACKDROP_PRODUCTS}")
endif()
include("${CMAKE_CURRENT_LIST_DIR}/scratch_folder.cmake")
make_scratch_folder(WORK "${WORK}")
include("${CMAKE_CURRENT_LIST_DIR}/fixture_models.cmake")
assemble_fixture_models("${FIXTURES}" "${WORK}")
set(project "${WORK}/shop.backdrop")
set(BACKDROP_SUBCOMMAND project)
include("${CMAKE_CURRENT_LIST_DIR}/run_backdrop.cmake")

# Two bags on the smallest placement only, so that diffusion on the CPU stays quick.
file(MAKE_DIRECTORY "${WORK}/bags")
file(GLOB bags "${PRODUCTS}/bags_0[12]_*.jpg")
file(COPY ${bags} DESTINATION "${WORK}/bags")
run_backdrop(0 ARGS create "${project}")
run_backdrop(0 ARGS import "${project}" --images "${WORK}/bags")
foreach(placement square landscape portrait story leaderboard skyscraper)
  run_backdrop(0 ARGS placements remove "${project}" ${placement})
endforeach()
run_backdrop(0 ARGS placements add "${project}" thumb 96x80)
run_backdrop(0 ARGS placements remove "${project}" medium-rectangle)

# The variants of `job` in the cache: each PNG's record must match every pattern.
function(expect_records job count)
  file(GLOB_RECURSE images "${project}-cache/*.png")
  set(found 0)
  foreach(image IN LISTS images)
    file(STRINGS "${image}" text REGEX "\"engine_version\"")  # the record: an uncompressed iTXt chunk
    if(NOT text MATCHES "\"generator\":\"${job}\"")
      continue()
    endif()
    math(EXPR found "${found} + 1")
    foreach(pattern IN LISTS ARGN)
      if(NOT text MATCHES "${pattern}")
        message(FATAL_ERROR "${image}: its record does not match '${pattern}':\n${text}")
      endif()
    endforeach()
  endforeach()
  if(NOT found EQUAL count)
    message(FATAL_ERROR "expected ${count} ${job} variants with a record in the cache, found ${found}")
  endif()
endfunction()

run_backdrop(0 ARGS jobs run "${project}" --seeds 2
  EXPECT "job catalogue: 4 new variants queued" "this run rendered 4, reused 0")
expect_records(studio 4 "\"steps\":0" "\"placement\":\"thumb\"" "\"artifacts\":\\{\"edge_continuation\":")
run_backdrop(0 ARGS status "${project}" EXPECT "variants: generated [0-9]+ flagged [0-9]+")
string(REGEX MATCH "generated ([0-9]+) flagged ([0-9]+)" counts "${output}")
math(EXPR reviewed "${CMAKE_MATCH_1} + ${CMAKE_MATCH_2}")
if(NOT reviewed EQUAL 4)
  message(FATAL_ERROR "expected the 4 studio variants in the project:\n${output}")
endif()
file(GLOB_RECURSE studio_images "${project}-cache/*.png")
set(hashes "")
foreach(image IN LISTS studio_images)
  file(SHA256 "${image}" hash)
  list(APPEND hashes "${hash}")
endforeach()
list(REMOVE_DUPLICATES hashes)
list(LENGTH hashes distinct)
if(distinct LESS 4)
  message(FATAL_ERROR "the two seeds of each bag gave the same studio backdrop (${distinct} distinct images)")
endif()

set(diffusion --renderer diffusion --model "${model}" --controlnet "${controlnet}" --scheduler ddim)
run_backdrop(0 ARGS jobs run "${project}" --job painted --steps 2 ${diffusion}
  EXPECT "job painted: 2 new variants queued" "this run rendered 2")
expect_records(diffusion 2 "\"steps\":2" "\"scheduler\":\"ddim\"" "\"guidance_scale\":7.5")

run_backdrop(1 ARGS jobs run "${project}" --job unplanned --renderer diffusion
  EXPECT "--renderer diffusion needs --model")
run_backdrop(0 ARGS status "${project}")
if(output MATCHES "unplanned")
  message(FATAL_ERROR "a diffusion run without --model queued variants:\n${output}")
endif()

# Planned with 3 steps, painted by a worker set to 2: the tasks fail with the reason.
run_backdrop(0 ARGS jobs run "${project}" --job planned --steps 3 --submit-only ${diffusion}
  EXPECT "job planned: 2 new variants queued")
set(BACKDROP_SUBCOMMAND worker)
run_backdrop(3 ARGS --db "${project}" --job planned --steps 2 ${diffusion}
  EXPECT "planned with 3 steps, scheduler 'ddim', guidance 7.5, fp32, but this generator paints with 2 steps"
         "2 failed")
# The compute dtype is planned: variants planned in bf16 are refused by an fp32 worker, painted by
# a bf16 one.
set(BACKDROP_SUBCOMMAND project)
run_backdrop(0 ARGS jobs run "${project}" --job bf16 --steps 2 --dtype bf16 --submit-only ${diffusion}
  EXPECT "job bf16: 2 new variants queued")
set(BACKDROP_SUBCOMMAND worker)
run_backdrop(3 ARGS --db "${project}" --job bf16 --steps 2 ${diffusion}
  EXPECT "guidance 7.5, bf16, but this generator paints with 2 steps, scheduler 'ddim', guidance 7.5, fp32")
set(BACKDROP_SUBCOMMAND project)
run_backdrop(0 ARGS jobs retry "${project}" --job bf16)
set(BACKDROP_SUBCOMMAND worker)
run_backdrop(0 ARGS --db "${project}" --job bf16 --steps 2 --dtype bf16 ${diffusion} EXPECT "rendered 2")
# A LoRA is planned with its variants: their records name it, and a worker that fuses none refuses
# the variants not yet in the cache, saying why.
set(lora "${FIXTURES}/lora_kohya.safetensors")
set(BACKDROP_SUBCOMMAND project)
run_backdrop(0 ARGS jobs run "${project}" --job styled --steps 2 ${diffusion} --lora "${lora}:0.6"
  EXPECT "job styled: 2 new variants queued" "this run rendered 2")
file(GLOB_RECURSE images "${project}-cache/*.png")
set(styled 0)
foreach(image IN LISTS images)
  file(STRINGS "${image}" text REGEX "\"engine_version\"")
  if(text MATCHES "\"loras\":\\[\\{\"file\":\"lora_kohya.safetensors\",\"multiplier\":0.6,\"sha256\":\"[0-9a-f]+\"\\}\\]")
    math(EXPR styled "${styled} + 1")
  endif()
endforeach()
if(NOT styled EQUAL 2)
  message(FATAL_ERROR "expected 2 variant records naming the LoRA, found ${styled}")
endif()
run_backdrop(0 ARGS jobs run "${project}" --job unstyled --seeds 2 --steps 2 --submit-only ${diffusion} --lora "${lora}:0.6"
  EXPECT "job unstyled: 4 new variants queued")
set(BACKDROP_SUBCOMMAND worker)
run_backdrop(3 ARGS --db "${project}" --job unstyled --steps 2 ${diffusion}
  EXPECT "was planned with LoRAs [0-9a-f]+:0.6, but this generator fuses no LoRA" "2 failed")

# Retry, pause, resume and cancel name an existing job; a misspelt one is an error, not a new job.
# A cancelled job keeps its unmade variants, and nothing resumes it.
set(BACKDROP_SUBCOMMAND project)
run_backdrop(0 ARGS jobs retry "${project}" --job unstyled EXPECT "^2 failed variants queued again\njob unstyled: active\n$")
run_backdrop(0 ARGS jobs pause "${project}" --job unstyled EXPECT "^job unstyled: paused\n$")
run_backdrop(0 ARGS jobs resume "${project}" --job unstyled EXPECT "^job unstyled: active\n$")
run_backdrop(0 ARGS jobs pause "${project}" --job unstyled EXPECT "^job unstyled: paused\n$")
run_backdrop(0 ARGS jobs cancel "${project}" --job unstyled EXPECT "^job unstyled: cancelled\n$")
run_backdrop(1 ARGS jobs resume "${project}" --job unstyled
  EXPECT "cannot resume job 'unstyled': it is cancelled with 2 tasks left and 0 failed")
run_backdrop(1 ARGS jobs pause "${project}" --job painted
  EXPECT "cannot pause job 'painted': it is active with 0 tasks left")
run_backdrop(1 ARGS jobs pause "${project}" --job paintd
  EXPECT "job 'paintd' does not exist in .*shop.backdrop \\(jobs: catalogue, painted, planned, bf16, styled, unstyled\\)")
run_backdrop(0 ARGS status "${project}")
if(output MATCHES "paintd")
  message(FATAL_ERROR "pausing a misspelt job created it:\n${output}")
endif()
file(REMOVE_RECURSE "${WORK}")
