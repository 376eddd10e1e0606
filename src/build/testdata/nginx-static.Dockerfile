FROM node:18-alpine as build-stage
WORKDIR /app
COPY package*.json ./
RUN npm install
COPY ./ .
RUN npm run build

FROM nginx:1.25-alpine as production-stage
MAINTAINER Web Team <web@example.com>
RUN mkdir /app
COPY --from=build-stage /app/dist /app
COPY nginx.conf /etc/nginx/nginx.conf
COPY --from=nginx:1.25-alpine /etc/nginx/mime.types /etc/nginx/mime.types
EXPOSE 80/tcp 443
HEALTHCHECK NONE
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
