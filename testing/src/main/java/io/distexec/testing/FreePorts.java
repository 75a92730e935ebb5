package io.distexec.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Ports free on this machine right now, for clusters that tools and tests start on loopback. */
public final class FreePorts {

  private FreePorts() {}

  /**
   * {@code count} distinct ports the system handed out just now. All are held open until all are
   * chosen, so none comes twice; another process may still take one before the caller binds it.
   */
  public static List<Integer> take(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }
}
