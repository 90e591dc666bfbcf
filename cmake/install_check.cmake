# ctest's install check: `cmake --install` of the build folder BUILD into the
# staging folder DEST (DESTDIR, prefix /usr) puts every file a user needs
# where GNUInstallDirs says, the installed faultline runs, and nothing of the
# build (libraries, tests, benchmarks) comes along. Run by ctest as
#   cmake -DBUILD=<build> -DDEST=<staging> -P cmake/install_check.cmake
file(REMOVE_RECURSE ${DEST})
set(ENV{DESTDIR} ${DEST})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix /usr
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc}):\n${out}")
endif()

set(expected
  usr/bin/faultline
  usr/bin/fl-course
  usr/bin/fl-shaper
  usr/bin/fl-diskfs
  usr/bin/fl-mrouter
  usr/bin/fl-mservice
  usr/share/doc/faultline/examples/maelstrom/broadcast.py
  usr/share/doc/faultline/README.md
  usr/share/doc/faultline/examples/course-primary-backup.toml
  usr/share/doc/faultline/examples/histories/stale-read.jsonl)
foreach(f IN LISTS expected)
  if(NOT EXISTS ${DEST}/${f})
    message(FATAL_ERROR "cmake --install did not install ${f}")
  endif()
endforeach()
file(GLOB_RECURSE installed RELATIVE ${DEST} ${DEST}/*)
foreach(f IN LISTS installed)
  if(NOT f MATCHES "^usr/(bin/(faultline|fl-course|fl-shaper|fl-diskfs|fl-mrouter|fl-mservice)|share/doc/faultline/(README\\.md|examples/([^/]+\\.toml|histories/[^/]+\\.jsonl|maelstrom/[^/]+\\.py)))$")
    message(FATAL_ERROR "cmake --install installed ${f}, which no user needs")
  endif()
endforeach()

execute_process(COMMAND ${DEST}/usr/bin/faultline --version RESULT_VARIABLE rc OUTPUT_VARIABLE version ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT version MATCHES "faultline")
  message(FATAL_ERROR "the installed faultline --version: exit ${rc}, ${version}${err}")
endif()
list(LENGTH installed n)
message(STATUS "installed ${n} files; ${version}")
file(REMOVE_RECURSE ${DEST})
