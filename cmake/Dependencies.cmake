# Every dependency comes from a Debian 12 package (scripts/install-deps.sh installs them).
# Nothing is vendored or downloaded at build time.
find_package(PkgConfig REQUIRED)

# Hyperscan is x86-only; Vectorscan (libvectorscan-dev) has the same API and also installs
# libhs.pc, so ARM machines build with it unchanged.
pkg_check_modules(HS REQUIRED IMPORTED_TARGET libhs)
message(STATUS "Pattern engine: libhs ${HS_VERSION} (Hyperscan or Vectorscan)")

find_package(ICU 70 REQUIRED COMPONENTS uc i18n data)
pkg_check_modules(YAMLCPP REQUIRED IMPORTED_TARGET yaml-cpp)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto)

if(DLP_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
endif()

# Platform code lives in posix/ or windows/ subfolders; CMake picks the folder, not #ifdef.
if(WIN32)
  set(DLP_PLATFORM_DIR windows)
else()
  set(DLP_PLATFORM_DIR posix)
endif()
