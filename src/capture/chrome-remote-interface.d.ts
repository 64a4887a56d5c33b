// The part of chrome-remote-interface (0.34, no bundled types) heapdrift uses.

declare module 'chrome-remote-interface' {
  namespace CDP {
    interface Client {
      send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
      on(event: string, listener: (params: Record<string, unknown>) => void): Client;
      removeListener(event: string, listener: (params: Record<string, unknown>) => void): Client;
      close(): Promise<void>;
    }
    interface Target {
      id: string;
      type: string;
      webSocketDebuggerUrl?: string;
    }
    interface Options {
      host?: string;
      port?: number;
      target?: string;
      local?: boolean;
    }
    function List(options: { host: string; port: number }): Promise<Target[]>;
  }
  function CDP(options: CDP.Options): Promise<CDP.Client>;
  export = CDP;
}
