package dev.distillery.finetune;

/**
 * A built export, ready to download.
 *
 * @param contentType application/x-ndjson for one file, application/zip for train.jsonl and validation.jsonl
 */
public record ExportFile(String fileName, String contentType, byte[] content, ExportRecord record) {}
