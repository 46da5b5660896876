#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void *check_alloc(void *ptr)
{
	if (!ptr) {
		fputs("kallocbench: out of memory\n", stderr);
		abort();
	}
	return ptr;
}

void *xmalloc(size_t size)
{
	return check_alloc(malloc(size ? size : 1));
}

void *xcalloc(size_t count, size_t size)
{
	return check_alloc(calloc(count ? count : 1, size ? size : 1));
}

void *xrealloc(void *ptr, size_t size)
{
	return check_alloc(realloc(ptr, size ? size : 1));
}

char *xstrdup(const char *text)
{
	return check_alloc(strdup(text));
}

char *xstrndup(const char *text, size_t len)
{
	return check_alloc(strndup(text, len));
}

void xgrow(void **items, size_t *capacity, size_t need, size_t elem)
{
	size_t capacity_new = *capacity ? *capacity : 8;

	if (need <= *capacity)
		return;
	while (capacity_new < need)
		capacity_new *= 2;
	*items = xrealloc(*items, capacity_new * elem);
	*capacity = capacity_new;
}

void sb_append_len(struct strbuf *sb, const char *text, size_t len)
{
	xgrow((void **)&sb->text, &sb->capacity, sb->len + len + 1, 1);
	memcpy(sb->text + sb->len, text, len);
	sb->len += len;
	sb->text[sb->len] = '\0';
}

void sb_append(struct strbuf *sb, const char *text)
{
	sb_append_len(sb, text, strlen(text));
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list args;
	int len;

	va_start(args, fmt);
	len = vsnprintf(NULL, 0, fmt, args);
	va_end(args);
	if (len < 0)
		abort();
	xgrow((void **)&sb->text, &sb->capacity, sb->len + (size_t)len + 1, 1);
	va_start(args, fmt);
	vsnprintf(sb->text + sb->len, (size_t)len + 1, fmt, args);
	va_end(args);
	sb->len += (size_t)len;
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->text)
		sb->text[0] = '\0';
}

void sb_free(struct strbuf *sb)
{
	free(sb->text);
	*sb = (struct strbuf){ 0 };
}

char *sb_steal(struct strbuf *sb)
{
	char *text = sb->text ? sb->text : xstrdup("");

	*sb = (struct strbuf){ 0 };
	return text;
}

char *read_file(const char *path, size_t *len)
{
	struct strbuf sb = { 0 };
	char chunk[65536];
	FILE *file = fopen(path, "rb");
	size_t got;

	if (!file)
		return NULL;
	while ((got = fread(chunk, 1, sizeof(chunk), file)) > 0)
		sb_append_len(&sb, chunk, got);
	if (ferror(file)) {
		int err = errno;

		fclose(file);
		sb_free(&sb);
		errno = err;
		return NULL;
	}
	fclose(file);
	if (len)
		*len = sb.len;
	return sb_steal(&sb);
}

int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t done = write(fd, data, len);

		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0)
			return -1;
		data += done;
		len -= (size_t)done;
	}
	return 0;
}

int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int err;

	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return close(fd);
}

int make_dirs(const char *path)
{
	char *copy;
	int result = 0;

	if (!*path) {
		errno = ENOENT;
		return -1;
	}
	copy = xstrdup(path);
	for (char *slash = copy + 1; result == 0; slash++) {
		bool at_end = *slash == '\0';

		if (!at_end && *slash != '/')
			continue;
		*slash = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST)
			result = -1;
		if (at_end)
			break;
		*slash = '/';
	}
	free(copy);
	return result;
}

const char *errno_name(int err, char buf[static 16])
{
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, 16, "errno %d", err);
	return buf;
}

void format_size(uint64_t bytes, char buf[static 24])
{
	static const char suffixes[] = "KMGTPE";
	int scale = 0;

	while (bytes && bytes % 1024 == 0 && suffixes[scale]) {
		bytes /= 1024;
		scale++;
	}
	snprintf(buf, 24, "%llu%.*s", (unsigned long long)bytes, scale ? 1 : 0,
		 scale ? &suffixes[scale - 1] : "");
}
