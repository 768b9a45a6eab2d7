import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.ThreadPoolExecutor;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.CommandLineInput;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.AbstractLocalDynamoDBServerHandler;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.shared.access.LocalDBClient;
import software.amazon.dynamodb.services.local.shared.jobs.JobsRegister;

/**
 * Starts DynamoDB Local bound to one host only.
 *
 * <p>The stock ServerRunner builds its Jetty server with {@code new Server(port)}, whose
 * connector listens on every interface, and offers no flag to change that. This launcher lets
 * DynamoDB Local parse its usual options and build the server, then sets host and port on the
 * Jetty connector before anything is bound.
 *
 * <p>Usage: {@code JiaheDynamoDbLauncher <host> <port> [DynamoDB Local options...]}. Port 0
 * picks a free port (the stock option parser refuses 0, so the port is never passed to it).
 * Once the server accepts connections one line {@code jiahe-dynamodb-local listening
 * <host>:<port>} is printed on stdout. The process exits when its stdin reaches end of file,
 * so it cannot outlive a parent that holds the other end, even one killed without a chance
 * to clean up.
 */
public final class JiaheDynamoDbLauncher {
  /** How long a stop may take before the JVM exits regardless. */
  private static final long STOP_WAIT_MILLIS = 2_000;
  /** How long an exit may take (shutdown hooks included) once the parent is gone. */
  private static final long ORPHAN_HALT_MILLIS = 5_000;
  /** Background job threads; see {@link #enlargeJobPool}. Threads start only when needed. */
  private static final int JOB_THREADS = 512;

  private JiaheDynamoDbLauncher() {}

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable failure) {
      // The server's own threads would keep a failed start alive: exit so the parent sees it.
      failure.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
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
    Connector[] connectors = privateField(DynamoDBProxyServer.class, "server", proxy, Server.class).getConnectors();
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
    if (input.getSharedDb()) {
      enlargeJobPool(proxy);
    } else {
      System.err.println("Without -sharedDb each credential gets a job pool of 10 threads; see enlargeJobPool");
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

  /**
   * DynamoDB Local runs its background jobs on a fixed pool of 10 threads, three of which its
   * schedulers occupy for good, and every table with TTL keeps one more busy for as long as it
   * exists. From the eighth TTL table on (two provinces have eight) jobs wait forever: expired
   * items are never deleted and an index added to an existing table stays CREATING. The pool
   * is created with the database, on first use; this creates it now and lets it grow.
   */
  private static void enlargeJobPool(DynamoDBProxyServer proxy) throws ReflectiveOperationException {
    AbstractLocalDynamoDBServerHandler serverHandler =
        privateField(DynamoDBProxyServer.class, "serverHandler", proxy, AbstractLocalDynamoDBServerHandler.class);
    LocalDynamoDBRequestHandler requestHandler = privateField(
        AbstractLocalDynamoDBServerHandler.class, "primaryHandler", serverHandler, LocalDynamoDBRequestHandler.class);
    Method getHandler = LocalDynamoDBRequestHandler.class.getDeclaredMethod("getHandler", String.class);
    getHandler.setAccessible(true);
    // With -sharedDb the credential key is ignored: there is one database and one pool.
    LocalDBClient database = (LocalDBClient) getHandler.invoke(requestHandler, "");
    JobsRegister jobs = privateField(LocalDBClient.class, "jobs", database, JobsRegister.class);
    Object pool = privateField(JobsRegister.class, "threadPool", jobs, Object.class);
    if (!(pool instanceof ThreadPoolExecutor)) {
      throw new IllegalStateException("Unexpected DynamoDB Local job pool " + pool.getClass().getName());
    }
    ThreadPoolExecutor executor = (ThreadPoolExecutor) pool;
    executor.setMaximumPoolSize(JOB_THREADS);
    executor.setCorePoolSize(JOB_THREADS);
  }

  private static <T> T privateField(Class<?> owner, String name, Object target, Class<T> type)
      throws ReflectiveOperationException {
    Field field = owner.getDeclaredField(name);
    field.setAccessible(true);
    return type.cast(field.get(target));
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
      // Nobody is left to send SIGKILL if the exit hangs, so make sure it cannot.
      Thread halt = new Thread(() -> {
        sleepQuietly(ORPHAN_HALT_MILLIS);
        Runtime.getRuntime().halt(1);
      }, "orphan-halt");
      halt.setDaemon(true);
      halt.start();
      System.exit(0);
    }, "parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  /**
   * Stops the server, but gives up after a short while: DynamoDB Local's stop waits for its
   * background jobs, and one that hangs (an index build can) would otherwise hold the exit
   * until the parent resorts to SIGKILL. SQLite commits every write, so nothing is lost.
   */
  private static void stopQuietly(DynamoDBProxyServer proxy) {
    Thread stopper = new Thread(() -> {
      try {
        proxy.stop();
      } catch (Exception ignored) {
        // Exiting anyway.
      }
    }, "dynamodb-local-stop");
    stopper.setDaemon(true);
    stopper.start();
    try {
      stopper.join(STOP_WAIT_MILLIS);
    } catch (InterruptedException ignored) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException ignored) {
      Thread.currentThread().interrupt();
    }
  }
}
