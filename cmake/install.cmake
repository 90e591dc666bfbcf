# Installing faultline like any command-line tool: `cmake --install` puts the
# two programs in bin/ and the README and examples in the doc folder
# (GNUInstallDirs: /usr/local/bin and /usr/local/share/doc/faultline by
# default), and `cpack -G DEB` makes a Debian package of the same files.
#
# Nothing else is read at run time: the report's script and style sheet are
# compiled into the binary, `faultline test --system course` finds fl-course
# beside the faultline it runs from, and the outside programs (gnuplot, ip,
# iptables, tc, the systems under test, libfaketime) are Debian's own, found
# on PATH or at Debian's paths. So `faultline check` needs only the shared
# libraries, which the package's Depends name (dpkg-shlibdeps); the programs
# `faultline test` drives are Recommends or Suggests, never Depends.
include(GNUInstallDirs)

# fl-shaper (packet faults where the kernel has no sch_netem) is found beside
# faultline like fl-course, and so is fl-diskfs (disk faults), and fl-mrouter
# (Maelstrom nodes), with fl-mservice (their services) beside it.
install(TARGETS faultline fl-course fl-shaper fl-diskfs fl-mrouter fl-mservice RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The example configurations and histories (examples/: *.toml, histories/*.jsonl),
# and the example Maelstrom nodes (maelstrom/*.py, executable).
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples
        FILES_MATCHING PATTERN "*.toml" PATTERN "*.jsonl")
install(DIRECTORY examples/maelstrom/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/maelstrom USE_SOURCE_PERMISSIONS
        FILES_MATCHING PATTERN "*.py")

set(CPACK_PACKAGE_NAME faultline)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "faultline maintainers <faultline@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Jepsen-style tester for distributed systems")
set(CPACK_PACKAGE_DESCRIPTION
  "faultline checks recorded histories of a distributed system (linearizability,\n"
  "transactional isolation, weaker consistency models) and runs Jepsen-style tests:\n"
  "a cluster of network namespaces, clients driving a workload, and faults\n"
  "(partitions, packet loss, clock skew, crashes) while it records the history.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # faultline_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: the shared libraries the two binaries link (libcurl, libpq,
# libhiredis, libfmt, libspdlog, libstdc++ …), as dpkg-shlibdeps finds them.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Recommends: what `faultline test` on the local cluster runs (ip and tc,
# iptables, kill), a few MB. Suggests: the report's gnuplot images (without
# gnuplot the plots are in the page only; gnuplot-nox and what apt recommends
# with it are some 300 MB), the systems under test, the clock nemesis's
# libfaketime, fusermount3 for fl-diskfs (fuse3), ssh for --ssh hosts.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "iproute2, iptables, procps")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "gnuplot-nox, libfaketime, fuse3, etcd-server, etcd-client, redis-server, redis-sentinel, "
                                  "postgresql, openssh-client")
string(REPLACE ";" "" CPACK_DEBIAN_PACKAGE_SUGGESTS "${CPACK_DEBIAN_PACKAGE_SUGGESTS}")
include(CPack)

# A cheap check of the install rules (the whole trial of the package on a bare
# Debian 12 is scripts/package-check: minutes, root and a mirror).
if(FL_BUILD_TESTS)
  add_test(NAME "install: cmake --install puts faultline, fl-course and the docs where GNUInstallDirs says"
           COMMAND ${CMAKE_COMMAND} -DBUILD=${CMAKE_BINARY_DIR} -DDEST=${CMAKE_BINARY_DIR}/install-check
                   -P ${CMAKE_CURRENT_LIST_DIR}/install_check.cmake)
  set_tests_properties("install: cmake --install puts faultline, fl-course and the docs where GNUInstallDirs says"
                       PROPERTIES LABELS install TIMEOUT 120)
endif()
