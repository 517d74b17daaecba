/**
 * A DNS server of the test's own on 127.0.0.1 (UDP, port 0, the dns2 package) answering SRV queries
 * from a table, NXDOMAIN for any other name: the CLI is pointed at it with HELIOS_DNS_SERVER, so no
 * test asks real DNS. It records the names asked, in order.
 * @example
 *   const dns = await startSrvServer({ '_helios._http.example.test': [{ target: '127.0.0.1', port: 5801 }] });
 *   t.teardown(dns.close);
 *   await helios(null, ['-d', 'example.test', 'jobs'], { env: { HELIOS_DNS_SERVER: dns.server } });
 */
import dns2 from 'dns2';

export interface SrvRecord {
  target: string;
  port: number;
  priority?: number;
  weight?: number;
}

export interface SrvServer {
  /** `127.0.0.1:PORT`, for HELIOS_DNS_SERVER. */
  server: string;
  /** Every name asked, in order, lower-cased. */
  queries: string[];
  close(): Promise<void>;
}

export async function startSrvServer(records: Record<string, SrvRecord[]>): Promise<SrvServer> {
  const { Packet } = dns2;
  const queries: string[] = [];
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const name = question.name.toLowerCase();
      queries.push(name);
      const answers = question.type === Packet.TYPE.SRV ? records[name] : undefined;
      if (!answers) response.header.rcode = 3; // NXDOMAIN
      for (const r of answers ?? []) {
        const answer: Omit<dns2.Packet.Resource, 'toBuffer'> = { name: question.name, type: Packet.TYPE.SRV, class: Packet.CLASS.IN, ttl: 60,
          priority: r.priority ?? 10, weight: r.weight ?? 10, port: r.port, target: r.target };
        // The typings ask each answer for a toBuffer; a plain record is what the encoder takes (Packet.Resource.encode).
        response.answers.push(answer as dns2.Packet.Resource);
      }
      send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  return { server: `127.0.0.1:${addresses.udp!.port}`, queries, close: () => server.close() };
}
