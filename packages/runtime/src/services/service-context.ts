// What every service gets from its host process, and what it gives back.
import type { Logger } from 'pino';
import type { Broker } from '../broker/types.ts';
import type { Project } from '../project/types.ts';
import type { Store } from '../store/types.ts';

/** Opened by the service host (`bot service <name>`) before the service starts; closed after it stops. */
export interface HostContext {
  broker: Broker;
  store: Store;
  /** pino logger, one JSON line per record on stdout; `bot dev` renders them. */
  logger: Logger;
  /** `<project>/.bot` locally: broker.db, state.db, nlu/ model cache. */
  stateDir: string;
}

/** The host's context plus the loaded project, for the services that run the project's code. */
export interface ServiceContext extends HostContext {
  /** The loaded project (intents, examples, actions for the executor, config). */
  project: Project;
}

/** Options from the command line / supervisor. */
export interface ServiceOptions {
  /** HTTP port for gateway/receiver; 0 picks a free one. */
  port?: number;
  /** HTTP host to bind. @default "127.0.0.1" */
  host?: string;
  /** The gateway forwards inputs here (the receiver's base URL). */
  receiverUrl?: string;
  /** For nlp in `nlu.mode` llm or cascade: the gateway's OpenAI-compatible base URL, `http://<gateway>/llm/v1`. */
  llmUrl?: string;
  /** The bearer token nlp sends to `llmUrl`. @default "local" */
  llmApiKey?: string;
}

/** A started service. */
export interface RunningService {
  /** The HTTP port it listens on, for gateway/receiver. */
  port?: number;
  /** Swaps in a newly loaded project without dropping messages (nlp: new model; executor: new actions). */
  reload?(project: Project): Promise<void>;
  /** Stops taking work, finishes what is in flight (bounded), releases resources. Does not close broker/store. */
  close(): Promise<void>;
}

export type ServiceFactory = (context: ServiceContext, options: ServiceOptions) => Promise<RunningService>;
