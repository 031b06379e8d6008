/** The one client instance of this window, connected through whichever transport is available. */
import { createClient } from './client';
import { connect } from './transports';

export const studio = createClient(connect());
