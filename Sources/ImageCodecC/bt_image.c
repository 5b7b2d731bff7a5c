#include "bt_image.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

static void set_error(char *error, size_t error_size, const char *message) {
    if (error && error_size > 0) {
        snprintf(error, error_size, "%s", message);
    }
}

static int detect_format(const unsigned char *data, size_t length) {
    if (length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return BT_FORMAT_JPEG;
    if (length >= 8 && png_sig_cmp((png_const_bytep)data, 0, 8) == 0) return BT_FORMAT_PNG;
    return BT_FORMAT_UNKNOWN;
}

// MARK: - JPEG error handling: longjmp back into our own frames only.

struct bt_jpeg_error {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void bt_jpeg_error_exit(j_common_ptr cinfo) {
    struct bt_jpeg_error *err = (struct bt_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->jump, 1);
}

static void bt_jpeg_quiet(j_common_ptr cinfo) { (void)cinfo; }

static void bt_jpeg_warning(j_common_ptr cinfo, int level) {
    // A corrupt-data warning (level -1) means a damaged file: treat it as an error.
    if (level < 0) bt_jpeg_error_exit(cinfo);
}

/// Errors longjmp to the caller's setjmp (which must stay in the caller's own frame); warnings
/// about corrupt data count as errors; nothing is printed.
static struct jpeg_error_mgr *bt_jpeg_errors(struct bt_jpeg_error *err) {
    struct jpeg_error_mgr *base = jpeg_std_error(&err->base);
    base->error_exit = bt_jpeg_error_exit;
    base->output_message = bt_jpeg_quiet;
    base->emit_message = bt_jpeg_warning;
    err->message[0] = 0;
    return base;
}

// MARK: - Info

int bt_image_info(const unsigned char *data, size_t length, int *format, int *width, int *height, char *error, size_t error_size) {
    *format = detect_format(data, length);
    if (*format == BT_FORMAT_JPEG) {
        struct jpeg_decompress_struct cinfo;
        struct bt_jpeg_error jerr;
        cinfo.err = bt_jpeg_errors(&jerr);
        if (setjmp(jerr.jump)) {
            jpeg_destroy_decompress(&cinfo);
            set_error(error, error_size, jerr.message);
            return -1;
        }
        jpeg_create_decompress(&cinfo);
        jpeg_mem_src(&cinfo, data, (unsigned long)length);
        jpeg_read_header(&cinfo, TRUE);
        *width = (int)cinfo.image_width;
        *height = (int)cinfo.image_height;
        jpeg_destroy_decompress(&cinfo);
        return 0;
    }
    if (*format == BT_FORMAT_PNG) {
        png_image image;
        memset(&image, 0, sizeof image);
        image.version = PNG_IMAGE_VERSION;
        if (!png_image_begin_read_from_memory(&image, data, length)) {
            set_error(error, error_size, image.message);
            png_image_free(&image);
            return -1;
        }
        *width = (int)image.width;
        *height = (int)image.height;
        png_image_free(&image);
        return 0;
    }
    set_error(error, error_size, "not a JPEG or PNG image");
    return -1;
}

// MARK: - Decode

static int decode_jpeg(const unsigned char *data, size_t length, int min_width, int min_height, bt_image *out, char *error, size_t error_size) {
    struct jpeg_decompress_struct cinfo;
    struct bt_jpeg_error jerr;
    unsigned char *volatile pixels = NULL;
    cinfo.err = bt_jpeg_errors(&jerr);
    if (setjmp(jerr.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        set_error(error, error_size, jerr.message);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)length);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.out_color_space = JCS_RGB;
    // The largest DCT reduction (1/2, 1/4, 1/8) that keeps the image at least min_width x min_height.
    unsigned int denom = 1;
    while (denom < 8 && cinfo.image_width / (denom * 2) >= (unsigned int)min_width &&
           cinfo.image_height / (denom * 2) >= (unsigned int)min_height) {
        denom *= 2;
    }
    cinfo.scale_num = 1;
    cinfo.scale_denom = denom;
    cinfo.dct_method = JDCT_ISLOW;
    jpeg_start_decompress(&cinfo);
    size_t row_bytes = (size_t)cinfo.output_width * 3;
    pixels = malloc(row_bytes * cinfo.output_height);
    if (!pixels) {
        jpeg_destroy_decompress(&cinfo);
        set_error(error, error_size, "out of memory");
        return -1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + row_bytes * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    out->pixels = pixels;
    out->width = (int)cinfo.output_width;
    out->height = (int)cinfo.output_height;
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

static int decode_png(const unsigned char *data, size_t length, bt_image *out, char *error, size_t error_size) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, data, length)) {
        set_error(error, error_size, image.message);
        png_image_free(&image);
        return -1;
    }
    image.format = PNG_FORMAT_RGB;
    size_t size = PNG_IMAGE_SIZE(image);
    unsigned char *pixels = malloc(size);
    if (!pixels) {
        png_image_free(&image);
        set_error(error, error_size, "out of memory");
        return -1;
    }
    png_color white = {255, 255, 255};
    if (!png_image_finish_read(&image, &white, pixels, 0, NULL)) {
        set_error(error, error_size, image.message);
        free(pixels);
        png_image_free(&image);
        return -1;
    }
    out->pixels = pixels;
    out->width = (int)image.width;
    out->height = (int)image.height;
    png_image_free(&image);
    return 0;
}

int bt_image_decode(const unsigned char *data, size_t length, int min_width, int min_height, bt_image *out, char *error, size_t error_size) {
    memset(out, 0, sizeof *out);
    switch (detect_format(data, length)) {
    case BT_FORMAT_JPEG: return decode_jpeg(data, length, min_width, min_height, out, error, error_size);
    case BT_FORMAT_PNG: return decode_png(data, length, out, error, error_size);
    default: set_error(error, error_size, "not a JPEG or PNG image"); return -1;
    }
}

// MARK: - Resize

int bt_image_resize(const bt_image *in, int width, int height, bt_image *out) {
    memset(out, 0, sizeof *out);
    if (width <= 0 || height <= 0 || width > in->width || height > in->height) return -1;
    unsigned char *pixels = malloc((size_t)width * height * 3);
    if (!pixels) return -1;
    // Each output pixel averages the exact source area it covers, with fractional edge weights.
    double sx = (double)in->width / width, sy = (double)in->height / height;
    for (int y = 0; y < height; y++) {
        double y0 = y * sy, y1 = y0 + sy;
        for (int x = 0; x < width; x++) {
            double x0 = x * sx, x1 = x0 + sx;
            double sum[3] = {0, 0, 0}, total = 0;
            for (int yy = (int)y0; yy < (int)(y1 + 0.999999) && yy < in->height; yy++) {
                double wy = (yy + 1 < y1 ? yy + 1 : y1) - (yy > y0 ? yy : y0);
                if (wy <= 0) continue;
                const unsigned char *row = in->pixels + (size_t)yy * in->width * 3;
                for (int xx = (int)x0; xx < (int)(x1 + 0.999999) && xx < in->width; xx++) {
                    double wx = (xx + 1 < x1 ? xx + 1 : x1) - (xx > x0 ? xx : x0);
                    if (wx <= 0) continue;
                    double w = wx * wy;
                    sum[0] += row[xx * 3] * w;
                    sum[1] += row[xx * 3 + 1] * w;
                    sum[2] += row[xx * 3 + 2] * w;
                    total += w;
                }
            }
            unsigned char *p = pixels + ((size_t)y * width + x) * 3;
            for (int c = 0; c < 3; c++) {
                double v = total > 0 ? sum[c] / total : 0;
                p[c] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5);
            }
        }
    }
    out->pixels = pixels;
    out->width = width;
    out->height = height;
    return 0;
}

// MARK: - Encode

int bt_image_encode_jpeg(const bt_image *image, int quality, unsigned char **out, size_t *out_length, char *error, size_t error_size) {
    struct jpeg_compress_struct cinfo;
    struct bt_jpeg_error jerr;
    unsigned char *buffer = NULL;
    unsigned long size = 0;
    cinfo.err = bt_jpeg_errors(&jerr);
    if (setjmp(jerr.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        set_error(error, error_size, jerr.message);
        return -1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &size);
    cinfo.image_width = (JDIMENSION)image->width;
    cinfo.image_height = (JDIMENSION)image->height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    cinfo.optimize_coding = TRUE;
    jpeg_start_compress(&cinfo, TRUE);
    size_t row_bytes = (size_t)image->width * 3;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = image->pixels + row_bytes * cinfo.next_scanline;
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_length = size;
    return 0;
}

int bt_image_encode_png(const bt_image *image, unsigned char **out, size_t *out_length, char *error, size_t error_size) {
    png_image png;
    memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    png.width = (png_uint_32)image->width;
    png.height = (png_uint_32)image->height;
    png.format = PNG_FORMAT_RGB;
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&png, NULL, &size, 0, image->pixels, 0, NULL)) {
        set_error(error, error_size, png.message);
        return -1;
    }
    unsigned char *buffer = malloc(size);
    if (!buffer) {
        set_error(error, error_size, "out of memory");
        return -1;
    }
    if (!png_image_write_to_memory(&png, buffer, &size, 0, image->pixels, 0, NULL)) {
        set_error(error, error_size, png.message);
        free(buffer);
        return -1;
    }
    *out = buffer;
    *out_length = size;
    return 0;
}

void bt_image_free(bt_image *image) {
    free(image->pixels);
    image->pixels = NULL;
}

void bt_free(void *pointer) { free(pointer); }
