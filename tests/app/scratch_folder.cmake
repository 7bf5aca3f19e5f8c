# A folder of its own for one run of a process test, "<base>-<random>", so that two runs of the same
# test at once never remove or overwrite each other's files. The script removes it when the run
# passed; a failed run leaves it (named in the failure) for inspection.
#   include(${CMAKE_CURRENT_LIST_DIR}/scratch_folder.cmake)
#   make_scratch_folder(WORK "${WORK}")
function(make_scratch_folder variable base)
  set(folder "")
  while(folder STREQUAL "" OR EXISTS "${folder}")
    string(RANDOM LENGTH 12 ALPHABET 0123456789abcdefghijklmnopqrstuvwxyz suffix)
    set(folder "${base}-${suffix}")
  endwhile()
  file(MAKE_DIRECTORY "${folder}")
  set(${variable} "${folder}" PARENT_SCOPE)
endfunction()
