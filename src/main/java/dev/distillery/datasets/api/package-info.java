/** REST API of datasets under /api/v1/datasets: multipart upload, listing, items, JSONL export. */
@NullMarked
package dev.distillery.datasets.api;

import org.jspecify.annotations.NullMarked;
