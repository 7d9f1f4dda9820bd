// The declaration in include/FuzzDriver.h is all this target provides; SwiftPM wants a source file.
#include "FuzzDriver.h"
