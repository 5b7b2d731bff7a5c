// BookTime's thin layer over libjpeg-turbo and libpng: decode, downscale, encode.
// Every function reports failure by its return value and a message, never by longjmp or abort.
#ifndef BT_IMAGE_H
#define BT_IMAGE_H

#include <stddef.h>

enum bt_format { BT_FORMAT_UNKNOWN = 0, BT_FORMAT_JPEG = 1, BT_FORMAT_PNG = 2 };

/// 8-bit RGB pixels, row-major, no padding. Owned by the caller: free with bt_image_free.
typedef struct {
    unsigned char *pixels;
    int width;
    int height;
} bt_image;

/// Reads only the header: format and dimensions. Returns 0 on success.
int bt_image_info(const unsigned char *data, size_t length, int *format, int *width, int *height, char *error, size_t error_size);

/// Decodes a JPEG or PNG to RGB (PNG alpha composited on white). For JPEG, libjpeg's DCT scaling
/// shrinks by the largest power of two that keeps both sides >= min_width x min_height.
int bt_image_decode(const unsigned char *data, size_t length, int min_width, int min_height, bt_image *out, char *error, size_t error_size);

/// Area-averaging (box filter) downscale to exactly width x height; upscaling is refused.
int bt_image_resize(const bt_image *in, int width, int height, bt_image *out);

/// Baseline JPEG at `quality` (1-100). *out is malloc'd: free with bt_free.
int bt_image_encode_jpeg(const bt_image *image, int quality, unsigned char **out, size_t *out_length, char *error, size_t error_size);

/// 8-bit RGB PNG. *out is malloc'd: free with bt_free.
int bt_image_encode_png(const bt_image *image, unsigned char **out, size_t *out_length, char *error, size_t error_size);

void bt_image_free(bt_image *image);
void bt_free(void *pointer);

#endif
