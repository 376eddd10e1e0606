FROM ruby:3.3
RUN bundle config --global frozen 1
WORKDIR /usr/src/app
ONBUILD COPY Gemfile Gemfile.lock ./
ONBUILD RUN bundle install
ONBUILD COPY . .
LABEL maintainer="ruby team" version=1.0 "com.example.vendor"="ACME Inc"
ARG BUNDLER_VERSION=2.5.6 RAILS_ENV
ENV RAILS_ENV ${RAILS_ENV:-production}
CMD ["./script/start"]
