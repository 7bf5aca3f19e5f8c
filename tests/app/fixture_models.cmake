# assemble_fixture_models(FIXTURES WORK): a diffusers folder (${WORK}/model, DDIM scheduler) and a
# ControlNet folder (${WORK}/controlnet) from the tiny fixture models in FIXTURES, linked where
# possible; sets `model` and `controlnet` in the caller's scope.

function(place source destination)
  get_filename_component(folder "${destination}" DIRECTORY)
  file(MAKE_DIRECTORY "${folder}")
  file(CREATE_LINK "${source}" "${destination}" COPY_ON_ERROR SYMBOLIC)
endfunction()

function(assemble_fixture_models FIXTURES WORK)
  set(model "${WORK}/model")
  set(controlnet "${WORK}/controlnet")
  place("${FIXTURES}/unet_config.json" "${model}/unet/config.json")
  place("${FIXTURES}/unet.safetensors" "${model}/unet/diffusion_pytorch_model.safetensors")
  place("${FIXTURES}/vae_config.json" "${model}/vae/config.json")
  place("${FIXTURES}/vae.safetensors" "${model}/vae/diffusion_pytorch_model.safetensors")
  place("${FIXTURES}/text_encoder_config.json" "${model}/text_encoder/config.json")
  place("${FIXTURES}/text_encoder.safetensors" "${model}/text_encoder/model.safetensors")
  foreach(name vocab.json merges.txt tokenizer_config.json)
    place("${FIXTURES}/clip_vocab/${name}" "${model}/tokenizer/${name}")
  endforeach()
  place("${FIXTURES}/controlnet_config.json" "${controlnet}/config.json")
  place("${FIXTURES}/controlnet.safetensors" "${controlnet}/diffusion_pytorch_model.safetensors")

  file(READ "${FIXTURES}/pipeline_config.json" pipeline_config)
  string(JSON scheduler GET "${pipeline_config}" scheduler_config)
  string(JSON scheduler SET "${scheduler}" _class_name "\"DDIMScheduler\"")
  file(WRITE "${model}/scheduler/scheduler_config.json" "${scheduler}")
  file(WRITE "${model}/model_index.json" [=[{
    "_class_name": "StableDiffusionPipeline",
    "unet": ["diffusers", "UNet2DConditionModel"],
    "vae": ["diffusers", "AutoencoderKL"],
    "text_encoder": ["transformers", "CLIPTextModel"],
    "tokenizer": ["transformers", "CLIPTokenizer"],
    "scheduler": ["diffusers", "DDIMScheduler"]
  }]=])
  set(model "${model}" PARENT_SCOPE)
  set(controlnet "${controlnet}" PARENT_SCOPE)
endfunction()
