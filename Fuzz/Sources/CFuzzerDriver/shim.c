// Intentionally empty: SwiftPM needs one source file in a C target; the header is what matters.
#include "CFuzzerDriver.h"
