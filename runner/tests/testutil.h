/* Helpers the unit tests share: sweeps from strings and scratch dirs. */
#ifndef KAB_TESTUTIL_H
#define KAB_TESTUTIL_H

#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sweep/sweep.h"
#include "util/util.h"

static inline int parse_sweep_text(const char *text, struct sweep *sweep,
				   struct sweep_error *err)
{
	FILE *file = fmemopen((void *)text, strlen(text), "r");
	int result;

	assert_non_null(file);
	result = sweep_parse_stream(file, "test.conf", sweep, err);
	fclose(file);
	return result;
}

/* A fresh directory under /tmp; free() the name after remove_tree(). */
static inline char *make_temp_dir(void)
{
	char *dir = xstrdup("/tmp/kallocbench-test-XXXXXX");

	assert_non_null(mkdtemp(dir));
	return dir;
}

static inline int remove_entry(const char *path, const struct stat *st,
			       int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void remove_tree(char *dir)
{
	nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

/* The text of @dir/@name, to free. */
static inline char *read_in_dir(const char *dir, const char *name)
{
	struct strbuf path = { 0 };
	char *text;

	sb_printf(&path, "%s/%s", dir, name);
	text = read_file(path.text, NULL);
	sb_free(&path);
	return text;
}

/* Calls a subcommand the way main() does, counting the arguments. */
static inline int run_command(int (*command)(int argc, char **argv),
			      char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return command(argc, argv);
}

struct captured {
	int saved_fd;
	char *path;
};

/* Sends @fd to a scratch file until release_fd(). */
static inline struct captured capture_fd(int fd, const char *dir)
{
	struct captured captured = { dup(fd), NULL };
	struct strbuf path = { 0 };
	int file;

	sb_printf(&path, "%s/captured-%d", dir, fd);
	captured.path = sb_steal(&path);
	fflush(NULL);
	file = open(captured.path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(file >= 0);
	dup2(file, fd);
	close(file);
	return captured;
}

static inline char *release_fd(int fd, struct captured *captured)
{
	char *text;

	fflush(NULL);
	dup2(captured->saved_fd, fd);
	close(captured->saved_fd);
	text = read_file(captured->path, NULL);
	free(captured->path);
	return text;
}

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })

static inline size_t count_lines(const char *text)
{
	size_t lines = 0;

	for (; *text; text++)
		lines += *text == '\n';
	return lines;
}

#endif
