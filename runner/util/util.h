/* Small helpers every part of the runner uses: memory that never comes back
 * NULL, a growable string and whole-file/whole-write I/O. */
#ifndef KAB_UTIL_H
#define KAB_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The runner cannot do anything useful without memory, so these abort. */
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *text);
char *xstrndup(const char *text, size_t len);
/* Grows *items so that it holds at least @need elements of @elem bytes. */
void xgrow(void **items, size_t *capacity, size_t need, size_t elem);

struct strbuf {
	char *text;
	size_t len;
	size_t capacity;
};

void sb_append(struct strbuf *sb, const char *text);
void sb_append_len(struct strbuf *sb, const char *text, size_t len);
void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);
/* Hands the text over to the caller and leaves @sb empty. */
char *sb_steal(struct strbuf *sb);

/* Reads a whole file; NULL with errno set on failure. */
char *read_file(const char *path, size_t *len);
/* write(2) until done, retrying on EINTR; 0 or -1 with errno. */
int write_all(int fd, const char *data, size_t len);
/* Writes @len bytes as the whole content of @path; 0 or -1 with errno. */
int write_file(const char *path, const char *data, size_t len);
/* mkdir -p; 0 or -1 with errno. */
int make_dirs(const char *path);
/* "EINVAL" for EINVAL, the number when the C library has no name. */
const char *errno_name(int err, char buf[static 16]);

/* 64, 4K, 64M: the largest power-of-1024 suffix that divides @bytes. */
void format_size(uint64_t bytes, char buf[static 24]);

#endif
