package dev.distillery.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy for fault tests: forwards connections to a server (PostgreSQL here) and can take it away the way a
 * restart or failover does, cutting every open connection and refusing new ones for a while.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Instant refuseUntil = Instant.MIN;
    private volatile int outages;
    private final AtomicLong toServer = new AtomicLong();

    public TcpProxy(String host, int port) throws IOException {
        this.target = new InetSocketAddress(host, port);
        this.server = new ServerSocket(0, 200, java.net.InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Cuts every connection and refuses new ones for {@code downtime}, as a database restart does. */
    public void outage(Duration downtime) {
        refuseUntil = Instant.now().plus(downtime);
        outages++;
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        open.clear();
    }

    public int outages() {
        return outages;
    }

    /** Bytes sent to the server so far, to cut a connection in the middle of a known piece of work. */
    public long bytesToServer() {
        return toServer.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (Instant.now().isBefore(refuseUntil)) {
                    closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket();
                upstream.connect(target, 5_000);
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> pipe(client, upstream, toServer));
                Thread.ofVirtual().start(() -> pipe(upstream, client, new AtomicLong()));
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pipe(Socket from, Socket to, AtomicLong counted) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
                counted.addAndGet(n);
            }
        } catch (IOException ended) {
            // One side closed or was cut: close the other too.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }
}
