package dev.tessera.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses API requests whose body is larger than a limit with 413 and a problem body, before anything
 * reads them: by the declared {@code Content-Length} without reading at all, and for bodies without one
 * (chunked) after reading at most one byte more than the limit. The API's bodies are small JSON documents
 * (a segment definition, a merge decision), so the limit can be low and the accepted body is handed on
 * from memory; without it a client could make the service hold any amount of text before validation
 * looks at it. Vendor webhooks are not behind this filter: their sources set their own limits.
 *
 * <p>Form posts ({@code application/x-www-form-urlencoded}) and multipart bodies get 415: no Tessera
 * API takes them, and the servlet container would parse them from the stream this filter has read (a
 * multipart request ended as a 500 "Stream closed", after the caller's token and roles had passed).
 */
public final class RequestBodyLimit extends OncePerRequestFilter {

    /** What the Tessera APIs accept by default. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;

    private final int maxBytes;

    public RequestBodyLimit(int maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("the body limit must not be negative");
        }
        this.maxBytes = maxBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        // HTTP/1.1 has a body only with a length or a transfer encoding
        boolean hasBody = declared > 0 || (declared < 0 && request.getHeader("Transfer-Encoding") != null);
        // multipart whether or not a body follows: Spring's dispatcher would parse the parts by the header alone
        if (isMultipart(request.getContentType()) || (hasBody && isForm(request.getContentType()))) {
            response.setHeader("Connection", "close"); // the body is not read
            ProblemResponses.write(response, 415, "Unsupported Media Type", "unsupported-media-type",
                    "This API takes JSON request bodies, not forms or multipart bodies.");
            return;
        }
        if (!hasBody) {
            // the reads of the API, its hot path, pass without a buffer
            chain.doFilter(request, response);
            return;
        }
        if (declared > maxBytes) {
            refuse(response);
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(maxBytes + 1);
        }
        if (body.length > maxBytes) {
            refuse(response);
            return;
        }
        chain.doFilter(new Buffered(request, body), response);
    }

    static boolean isMultipart(String contentType) {
        return contentType != null && contentType.strip().toLowerCase(Locale.ROOT).startsWith("multipart/");
    }

    static boolean isForm(String contentType) {
        return contentType != null
                && contentType.strip().toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    private void refuse(HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close"); // the rest of the body is not read
        ProblemResponses.write(response, 413, "Content Too Large", "content-too-large",
                "The request body is larger than " + maxBytes + " bytes.");
    }

    /** The request with its body already read into memory. */
    private static final class Buffered extends HttpServletRequestWrapper {
        private final byte[] body;

        Buffered(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is read already");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
