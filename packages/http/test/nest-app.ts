import { BallastModule } from '@ballast/http/nest';
import { Controller, Get, Module, Param } from '@nestjs/common';
import type { App } from './contract.js';

/**
 * The contract's app as a Nest module (`GET /courses/:id` and BallastModule), for either
 * platform. Decorators applied as calls: vitest's esbuild emits no decorator metadata, and
 * none is needed.
 */
export function coursesModule({ logger, health, course }: App): new () => object {
  class CoursesController {
    get(id: string) {
      return course(id);
    }
  }
  const proto = CoursesController.prototype;
  Get(':id')(proto, 'get', Object.getOwnPropertyDescriptor(proto, 'get') as PropertyDescriptor);
  Param('id')(proto, 'get', 0);
  Controller('courses')(CoursesController);
  class AppModule {}
  Module({ imports: [BallastModule.forRoot({ logger, health })], controllers: [CoursesController] })(
    AppModule,
  );
  return AppModule;
}
