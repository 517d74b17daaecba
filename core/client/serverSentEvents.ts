/** One server-sent event: its `event` name (`message` when none), `data` lines joined, and `id`. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * A parser of the `text/event-stream` format (the WHATWG rules for `event`, `data`, `id`, comments
 * and blank-line dispatch) over text chunks as they arrive, split anywhere. Pure: the dashboard reads
 * GET /events with fetch (to send its token in a header, which EventSource cannot), and tests with Node.
 * @example
 *   const parse = serverSentEvents((e) => console.log(e.event, JSON.parse(e.data)));
 *   for await (const chunk of body) parse(decoder.decode(chunk, { stream: true }));
 */
export function serverSentEvents(onEvent: (event: ServerSentEvent) => void): (chunk: string) => void {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) onEvent({ event: event || 'message', data: data.join('\n'), ...(id === undefined ? {} : { id }) });
      event = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    const value = colon < 0 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  };
  return (chunk) => {
    buffer += chunk;
    // A CR that ends the chunk waits: its LF may open the next one (CRLF is one line end).
    const lines = buffer.split(/\r\n|\n|\r(?!$)/);
    buffer = lines.pop() ?? '';
    for (const text of lines) line(text);
  };
}
