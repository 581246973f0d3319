// The one source of parley_test_pch (tests/CMakeLists.txt): the target exists to compile
// support/test_pch.h once for every test program.
