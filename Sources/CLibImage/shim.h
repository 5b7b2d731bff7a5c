// The system libjpeg-turbo and libpng (Debian's libjpeg-dev and libpng-dev).
#include <stdio.h>
#include <jpeglib.h>
#include <png.h>
