import java.io.IOException;
import java.lang.reflect.Field;
import java.util.Arrays;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.CommandLineInput;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local bound to one host only.
 *
 * The stock ServerRunner builds its Jetty server with {@code new Server(port)}, whose connector
 * listens on every interface, and offers no flag to change that. This launcher lets DynamoDB
 * Local parse its usual options and build the server, then sets host and port on the Jetty
 * connector before anything is bound.
 *
 * Usage: {@code JiaheDynamoDbLauncher <host> <port> [DynamoDB Local options...]}. Port 0 picks a
 * free port (the stock option parser refuses 0, so the port is never passed to it). Once the
 * server accepts connections one line {@code jiahe-dynamodb-local listening <host>:<port>} is
 * printed on stdout. The process exits when its stdin reaches end of file, so it cannot outlive
 * a parent that holds the other end of that pipe, even one killed without a chance to clean up.
 */
public final class JiaheDynamoDbLauncher {
  private JiaheDynamoDbLauncher() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: JiaheDynamoDbLauncher <host> <port> [DynamoDB Local options...]");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String[] stockArgs = Arrays.copyOfRange(args, 2, args.length);

    CommandLineInput input = new CommandLineInput(stockArgs);
    if (!input.init()) {
      System.err.println("DynamoDB Local rejected its options: " + String.join(" ", stockArgs));
      System.exit(2);
    }
    // createServer also configures telemetry; -disableTelemetry among the options turns it off.
    DynamoDBProxyServer proxy = ServerRunner.createServer(input);
    Server jetty = jettyOf(proxy);
    Connector[] connectors = jetty.getConnectors();
    if (connectors.length == 0) {
      throw new IllegalStateException("DynamoDB Local built a Jetty server without connectors");
    }
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) {
        throw new IllegalStateException("Unexpected Jetty connector " + connector.getClass().getName());
      }
      ServerConnector network = (ServerConnector) connector;
      network.setHost(host);
      network.setPort(port);
    }

    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(proxy), "dynamodb-local-shutdown"));
    watchParent();

    // safeStart starts Jetty and lets bind failures propagate (start() would print and carry on).
    proxy.safeStart();
    ServerConnector first = (ServerConnector) connectors[0];
    System.out.println("jiahe-dynamodb-local listening " + host + ":" + first.getLocalPort());
    System.out.flush();
    proxy.join();
  }

  /** The Jetty server is a private field of DynamoDBProxyServer: reach it by reflection. */
  private static Server jettyOf(DynamoDBProxyServer proxy) throws ReflectiveOperationException {
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    return (Server) field.get(proxy);
  }

  /** Exit when the parent closes our stdin (normally or because it died). */
  private static void watchParent() {
    Thread watcher = new Thread(() -> {
      try {
        byte[] buffer = new byte[256];
        while (System.in.read(buffer) != -1) {
          // Input is ignored; only end of file matters.
        }
      } catch (IOException ignored) {
        // A broken pipe means the parent is gone as well.
      }
      System.exit(0);
    }, "parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  private static void stopQuietly(DynamoDBProxyServer proxy) {
    try {
      proxy.stop();
    } catch (Exception ignored) {
      // Exiting anyway; SQLite commits every write, so nothing is lost by a failed stop.
    }
  }
}
