// SPDX-License-Identifier: GPL-2.0-only
/*
 * The words of one block that differ from the bench's copy of it (the
 * shadow), for STEP's table delta: shared by the host agent's arena
 * (arena.c) and the kernel module's page tracker (src/kmod/pages.c), which
 * keep their shadows differently but send the same records.
 */
#include <string.h>

#include "arena.h"

#define CHUNK_WORDS	8

/*
 * Runs one equal word apart are joined: a record header costs more than
 * the word.
 */
int arena_delta_words(uint64_t pa, const void *va, void *shadow, uint32_t len,
		      const struct arena_delta_ops *ops, void *arg)
{
	const uint64_t *cur = va;
	uint64_t *old = shadow;
	size_t n = len / sizeof(*cur), i = 0, start, end;

	while (i < n) {
		/* Equal chunks are the common case: skip them with memcmp. */
		if (!(i % CHUNK_WORDS) && i + CHUNK_WORDS <= n &&
		    !memcmp(cur + i, old + i, CHUNK_WORDS * sizeof(*cur))) {
			i += CHUNK_WORDS;
			continue;
		}
		if (cur[i] == old[i]) {
			i++;
			continue;
		}
		start = i;
		end = i + 1;
		for (i = end; i < n && (cur[i] != old[i] ||
					(i + 1 < n && cur[i + 1] != old[i + 1])); i++)
			if (cur[i] != old[i])
				end = i + 1;
		if (ops->write(arg, pa + start * sizeof(*cur),
			       cur + start, (end - start) * sizeof(*cur)))
			return 1;
		memcpy(old + start, cur + start, (end - start) * sizeof(*cur));
		i = end;
	}
	return 0;
}
