#ifndef CLAUSE_FUZZ_DRIVER_H
#define CLAUSE_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's own driver (compiler-rt), linked by `-sanitize=fuzzer`: it runs `callback` on every
/// input it generates or is given. Called from each target's main.swift, because a SwiftPM
/// executable must have its own main (libFuzzer's main cannot stand in for it).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
