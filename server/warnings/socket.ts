// socket.io: a city's evacuation colours as they change. evacuationWatch joins room
// evacuation:<city>; Warnings.onChange sends the new state there (through the Redis adapter to
// every node's sockets when several run).
import { cityInputSchema } from '../../models/city';
import { formatIssues } from '../../models/issues';
import type { TwinIo } from '../live/hub';
import type { Warnings } from './warnings';

export function attachEvacuationWatch(io: TwinIo, warnings: Warnings) {
  io.on('connection', (socket) => {
    socket.on('evacuationWatch', (payload) => {
      const p = cityInputSchema.safeParse(payload);
      if (!p.success) return void socket.emit('problem', `evacuationWatch: ${formatIssues(p.error).join('; ')}`);
      void socket.join(`evacuation:${p.data.city}`);
    });
  });
  return warnings.onChange((state) => io.to(`evacuation:${state.city}`).emit('evacuation', state));
}
