import net from 'node:net';

/** PostgreSQL reached through a TCP relay a test can cut, as a network failure would. */
export interface PostgresRelay {
  /** DATABASE_URL's address replaced by the relay's. */
  url: string;
  /** Every relayed connection drops and new ones are refused, for good. */
  cut(): Promise<void>;
}

export async function relayPostgres(databaseUrl: string): Promise<PostgresRelay> {
  const target = new URL(databaseUrl);
  const relayed = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const server = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, server]) {
      relayed.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => relayed.delete(s));
    }
    client.pipe(server).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const viaRelay = new URL(databaseUrl);
  viaRelay.hostname = '127.0.0.1';
  viaRelay.port = String((relay.address() as net.AddressInfo).port);
  return {
    url: viaRelay.href,
    cut: () =>
      new Promise<void>((resolve) => {
        if (!relay.listening) return resolve();
        relay.close(() => resolve());
        for (const s of relayed) s.destroy();
      }),
  };
}
