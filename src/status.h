/* svff — `svff status`: the host tree as text or as JSON. */
#ifndef SVFF_STATUS_H
#define SVFF_STATUS_H

#include <stdbool.h>
#include <stdio.h>

#include "svff/host.h"
#include "svff/virt.h"

struct json_object;

/* Writes the JSON document (schema "svff-status/1", doc/status-json.md);
 * -1 when out could not take it. */
int status_json_write(FILE *out, const struct svff_host *host, const struct svff_virt *virt,
		      const char *virt_error);
/* One function as a JSON object (used by status and by monitor --json). */
struct json_object *status_function_json_new(const struct svff_host *host,
					      const struct svff_virt *virt,
					      const struct svff_function *fn);
struct json_object *status_vm_json_new(const struct svff_vm *vm);

/* virt may be NULL (not connected); virt_error says why. */
void status_print_text(FILE *out, const struct svff_host *host, const struct svff_virt *virt,
		       const char *virt_error, bool all);

#endif
