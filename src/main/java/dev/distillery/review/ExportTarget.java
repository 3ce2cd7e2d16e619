package dev.distillery.review;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Where an export is written, opened only once the export is known to be allowed and to exist, so a refusal can still
 * be answered as a problem rather than as half a file (a REST response, a download in the browser).
 */
@FunctionalInterface
public interface ExportTarget {

    /** Names the file and returns the stream to write it to; the export does not close it. */
    OutputStream open(String fileName, String contentType) throws IOException;

    /** The body of an HTTP response, as a file to save (UTF-8). */
    static ExportTarget attachment(HttpServletResponse response) {
        return (fileName, contentType) -> {
            response.setContentType(contentType);
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
            return response.getOutputStream();
        };
    }
}
