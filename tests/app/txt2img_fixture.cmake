# Runs `backdrop txt2img` end to end on the tiny fixture models: a diffusers folder and a ControlNet
# folder are assembled from the fixture files, an image is generated, made again from its PNG
# parameters (it must be identical), and used as the control image of a ControlNet run.
#   cmake -DBACKDROP=<exe> -DFIXTURES=<dir> -DWORK=<dir> -P txt2img_fixture.cmake

if(DEFINED ENV{BACKDROP_FIXTURES})
  set(FIXTURES "$ENV{BACKDROP_FIXTURES}")
endif()
include("${CMAKE_CURRENT_LIST_DIR}/scratch_folder.cmake")
make_scratch_folder(WORK "${WORK}")
include("${CMAKE_CURRENT_LIST_DIR}/fixture_models.cmake")
assemble_fixture_models("${FIXTURES}" "${WORK}")

function(run_backdrop)
  execute_process(COMMAND "${BACKDROP}" ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "backdrop ${ARGN} exited with ${result}:\n${output}\n${errors}")
  endif()
endfunction()

# Makes `image` again from its PNG parameters (txt2img --from-png); it must be identical.
function(expect_made_again image what)
  string(REGEX REPLACE "\\.png$" "-again.png" again "${image}")
  run_backdrop(txt2img --from-png "${image}" --out "${again}")
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${image}" "${again}" RESULT_VARIABLE different)
  if(different)
    message(FATAL_ERROR "${what}, made again from its PNG parameters, differs")
  endif()
endfunction()

set(common --model "${model}" --prompt "a red handbag on a marble table" --negative-prompt "blurry"
           --steps 3 --width 64 --height 48 --seed 11)
run_backdrop(txt2img ${common} --out "${WORK}/first.png")
expect_made_again("${WORK}/first.png" "an image")
file(STRINGS "${WORK}/first.png" parameters REGEX "\"prompts\":\\[\"a red handbag on a marble table\"\\]")
if(NOT parameters)
  message(FATAL_ERROR "first.png does not carry its generation parameters")
endif()

run_backdrop(txt2img ${common} --controlnet "${controlnet}" --control-image "${WORK}/first.png"
             --scheduler euler_ancestral --images-per-prompt 2 --out "${WORK}/controlled.png")
foreach(image controlled-0.png controlled-1.png)
  if(NOT EXISTS "${WORK}/${image}")
    message(FATAL_ERROR "the ControlNet run did not write ${image}")
  endif()
endforeach()

# LoRAs (both layouts at once, one with a multiplier) change the image, and --from-png makes it again.
run_backdrop(txt2img ${common} --lora "${FIXTURES}/lora_kohya.safetensors:0.6" --lora "${FIXTURES}/lora_peft.safetensors"
             --out "${WORK}/lora.png")
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${WORK}/first.png" "${WORK}/lora.png" RESULT_VARIABLE different)
if(NOT different)
  message(FATAL_ERROR "the LoRAs did not change the image")
endif()
expect_made_again("${WORK}/lora.png" "an image made with LoRAs")
# A file that is no LoRA for this model names itself and its keys.
execute_process(COMMAND "${BACKDROP}" txt2img ${common} --lora "${FIXTURES}/controlnet.safetensors" --out "${WORK}/x.png"
                RESULT_VARIABLE result ERROR_VARIABLE errors)
if(result EQUAL 0 OR NOT errors MATCHES "controlnet.safetensors.*keys that match no module")
  message(FATAL_ERROR "a file that is no LoRA was not reported clearly (exit ${result}): ${errors}")
endif()

# The LCM-LoRA recipe sets the LCM scheduler, 4 steps and guidance 1; the image records them and is
# made again from them. A flag given with the recipe wins over it; an unknown recipe is named.
set(recipe_run --model "${model}" --prompt "a red handbag on a marble table" --width 64 --height 48 --seed 11
               --lora "${FIXTURES}/lora_kohya.safetensors")
run_backdrop(txt2img ${recipe_run} --recipe lcm-lora --out "${WORK}/lcm.png")
file(STRINGS "${WORK}/lcm.png" recorded REGEX "\"guidance_scale\":1\\.0,.*\"num_inference_steps\":4,.*\"scheduler\":\"lcm\"")
if(NOT recorded)
  message(FATAL_ERROR "lcm.png does not record the LCM-LoRA recipe's scheduler, steps and guidance")
endif()
expect_made_again("${WORK}/lcm.png" "an LCM-LoRA image")
run_backdrop(txt2img ${recipe_run} --recipe lcm-lora --steps 2 --out "${WORK}/lcm-2.png")
file(STRINGS "${WORK}/lcm-2.png" recorded REGEX "\"num_inference_steps\":2,.*\"scheduler\":\"lcm\"")
if(NOT recorded)
  message(FATAL_ERROR "--steps given with --recipe lcm-lora did not win over the recipe")
endif()
execute_process(COMMAND "${BACKDROP}" txt2img ${recipe_run} --recipe turbo --out "${WORK}/x.png"
                RESULT_VARIABLE result ERROR_VARIABLE errors)
if(result EQUAL 0 OR NOT errors MATCHES "turbo")
  message(FATAL_ERROR "an unknown recipe was not reported clearly (exit ${result}): ${errors}")
endif()

# Bad input is an error with a reason, not a crash.
execute_process(COMMAND "${BACKDROP}" txt2img --model "${WORK}/no-such-model" --prompt x --out "${WORK}/x.png"
                RESULT_VARIABLE result ERROR_VARIABLE errors)
if(result EQUAL 0 OR NOT errors MATCHES "no-such-model")
  message(FATAL_ERROR "a missing model was not reported clearly (exit ${result}): ${errors}")
endif()

file(REMOVE_RECURSE "${WORK}")
