package org.kemari.disk;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;

/** One client connection, from the handshake to its end; every way it ends is one line in the log. */
final class NbdSession implements Runnable {
    private final SocketChannel socket;
    private final NbdExport export;
    private final int number;

    NbdSession(SocketChannel socket, NbdExport export, int number) {
        this.socket = socket;
        this.export = export;
        this.number = number;
    }

    @Override
    public void run() {
        NbdChannel ch = new NbdChannel(socket);
        try {
            if (new NbdHandshake(ch, export).run()) {
                String note = new NbdTransmission(ch, export).run();
                if (note != null) {
                    export.log("client " + number + ": " + note);
                }
            }
        } catch (NbdProtocolException e) {
            export.log("client " + number + ": malformed request, connection closed: " + e.getMessage());
        } catch (EOFException e) {
            export.log("client " + number + ": disconnected mid-request: " + e.getMessage()
                    + "; that request was not applied and never acknowledged");
        } catch (AsynchronousCloseException e) {
            // the server is closing: not the client's doing, nothing to report
        } catch (IOException e) {
            export.log("client " + number + ": connection failed: " + e);
        } finally {
            end();
        }
    }

    /** Whatever the client was told completed is made durable before its connection goes away. */
    private void end() {
        try {
            export.flush();
        } catch (IOException e) {
            export.log("client " + number + ": cannot make the image durable at disconnect: " + e);
        }
        close();
    }

    void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that was asked
        }
    }
}
